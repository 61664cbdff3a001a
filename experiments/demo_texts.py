"""Texts of the demo programme: the twenty experiments carried out, and the ideas, names and
reasons from which the other proposals are composed. Realistic, in Finnish and English.

Fictional: any likeness of a company or person name to a real one is a coincidence; the
public institutions named are only used as partner organisations.
"""

# The twenty experiments carried out, in the order of their pilots' start dates.
# (language, title, summary, need, proposer_type, service_area, centres, sdgs, city_unit,
#  decision, lessons_learned, findings, benefits_city, benefits_customers)
EXPERIMENTS = (
    (
        "fi", "Chatbot varhaiskasvatuksen hakemiseen",
        "Keskusteleva chatbot neuvoo perheitä varhaiskasvatuspaikan hakemisessa ympäri "
        "vuorokauden suomeksi, ruotsiksi ja englanniksi.",
        "Varhaiskasvatuksen asiakaspalveluun tulee hakuaikoina satoja samanlaisia "
        "kysymyksiä viikossa, ja puhelinjonot venyvät yli puoleen tuntiin.",
        "company", "education", ["city_wide"], [4, 10], "Varhaiskasvatuksen palvelualue",
        "Chatbot otetaan pysyväksi osaksi varhaiskasvatuksen asiakaspalvelua.",
        "Botti kannattaa opettaa oikeilla asiakaskysymyksillä ennen julkaisua, ja "
        "palvelusta tarvitaan aina reitti ihmiselle.",
        "Noin 40 % kysymyksistä ratkesi ilman asiakaspalvelijaa.",
        "Puhelinjonot lyhenivät hakuaikana selvästi.",
        "Vastaus saatiin myös iltaisin ja viikonloppuisin.",
    ),
    (
        "en", "Remote physiotherapy for home care clients",
        "Home care clients do guided physiotherapy exercises with a tablet and a video link "
        "to a physiotherapist twice a week.",
        "Many home care clients lose mobility because visits by a physiotherapist are rare "
        "and travelling to a health centre is hard for them.",
        "company", "health_social", ["espoon_keskus", "leppavaara"], [3],
        "Home care services",
        "Remote physiotherapy becomes part of the home care service range.",
        "Clients needed help with the first two sessions; after that most managed alone. "
        "Group sessions worked better than individual ones.",
        "Clients' balance test results improved in 8 of 10 follow-ups.",
        "One physiotherapist reached four times as many clients a day.",
        "Clients stayed mobile and felt safer at home.",
    ),
    (
        "fi", "Sisäilman olosuhteiden seuranta kouluissa",
        "Langattomat anturit mittaavat hiilidioksidia, lämpötilaa ja kosteutta kymmenen "
        "koulun luokissa, ja tiedot näkyvät kiinteistöhuollolle reaaliajassa.",
        "Sisäilmaongelmista tehdyt ilmoitukset tulevat usein myöhään, eikä niitä voida "
        "todentaa ilman kalliita kertamittauksia.",
        "company", "environment_climate", ["tapiola", "matinkyla_olari"], [3, 11],
        "Tilapalvelut",
        "Anturiseuranta laajennetaan kaikkiin uusiin ja peruskorjattaviin kouluihin.",
        "Mittausdata on hyödyllistä vasta, kun sovitaan kuka reagoi hälytyksiin ja missä "
        "ajassa.",
        "Ilmanvaihdon säätöjä korjattiin 14 luokassa mittausten perusteella.",
        "Korjaukset voitiin kohdistaa oikein ja nopeasti.",
        "Oppilaat ja opettajat saivat tietoa luokkansa ilmanlaadusta.",
    ),
    (
        "en", "Robot-assisted language learning in primary schools",
        "A small humanoid robot helps pupils practise English and Finnish pronunciation in "
        "small groups during lessons.",
        "Language teachers have too little time to let each pupil speak and practise "
        "pronunciation in large groups.",
        "company", "education", ["espoonlahti"], [4],
        "Finnish-language basic education",
        "The robot is adopted as a teaching tool available to all primary schools.",
        "Teachers need training and ready lesson plans; the novelty effect fades, so "
        "the robot must support real learning goals.",
        "Shy pupils spoke more with the robot than in front of the class.",
        "Teachers could split the class into practice groups.",
        "Pupils practised speaking in a safe setting.",
    ),
    (
        "fi", "Kirjaston omatoimiaukiolo lähikirjastoissa",
        "Lähikirjastot avataan asiakkaille myös henkilökunnan työajan ulkopuolella "
        "kirjastokortilla ja PIN-koodilla.",
        "Pienet lähikirjastot ovat auki vain muutamana päivänä viikossa, vaikka tilat "
        "seisovat tyhjinä.",
        "community", "culture_sport", ["matinkyla_olari"], [4, 11], "Kirjastopalvelut",
        "Omatoimiaukiolo otetaan käyttöön kaikissa lähikirjastoissa.",
        "Turvallisuudesta tiedottaminen ja selkeät opasteet olivat tärkeämpiä kuin tekniikka.",
        "Aukiolotunnit kolminkertaistuivat ja käynnit kasvoivat 35 %.",
        "Tilat olivat tehokkaammassa käytössä ilman lisähenkilöstöä.",
        "Kirjastoon pääsi omaan aikatauluun sopivasti.",
    ),
    (
        "en", "Digital participation map for city planning",
        "Residents mark places, ideas and problems on a map-based survey while the master "
        "plan of their district is being prepared.",
        "Public hearings reach only a small and similar group of residents; young people "
        "and families rarely take part in planning.",
        "company", "urban_planning_construction", ["espoon_keskus", "city_wide"], [11, 16],
        "Urban planning centre",
        "The map survey is adopted as a standard tool in master and local planning.",
        "Answers need a visible response: residents want to see how their input affected "
        "the plan.",
        "The survey got 2,300 answers, ten times more than the earlier hearing.",
        "Planners got located data that was easy to analyse.",
        "Residents could take part from home at any time.",
    ),
    (
        "fi", "Ikäihmisten virtuaalitodellisuusretket palvelutaloissa",
        "Palvelutalojen asukkaat tekevät ohjattuja virtuaaliretkiä lapsuutensa maisemiin ja "
        "Suomen luontokohteisiin VR-laseilla.",
        "Monet palvelutalojen asukkaat eivät pääse enää liikkumaan talon ulkopuolelle, mikä "
        "lisää yksinäisyyttä ja alakuloa.",
        "company", "health_social", ["tapiola", "espoonlahti"], [3, 10],
        "Vanhusten palvelut",
        "VR-retket jatkuvat palvelutalojen viriketoimintana.",
        "Lyhyet, ohjatut istunnot toimivat parhaiten; huimausta ehkäisi istuva asento.",
        "Asukkaat kuvasivat retkiä mieleenpainuviksi ja keskustelu lisääntyi.",
        "Viriketoimintaan saatiin uusi edullinen muoto.",
        "Asukkaat kokivat elämyksiä ja muistelivat yhdessä.",
    ),
    (
        "en", "Learning analytics for upper secondary school",
        "Teachers and students see weekly progress dashboards built from the learning "
        "platform's data, with early alerts of falling behind.",
        "Students who fall behind in upper secondary school are often noticed only at the "
        "end of a course, when help comes too late.",
        "research", "education", ["leppavaara"], [4],
        "Upper secondary education",
        "The dashboards are adopted in all of the city's upper secondary schools.",
        "Students must be involved in deciding what is shown; alerts work only when a "
        "named adult follows them up.",
        "Course drop-outs fell from 9 % to 6 % in the pilot groups.",
        "Guidance counsellors could target their time.",
        "Students saw their own progress and asked for help earlier.",
    ),
    (
        "fi", "Jätesäiliöiden täyttöasteen etämittaus",
        "Syväkeräyssäiliöihin asennetut anturit kertovat täyttöasteen, ja tyhjennysreitit "
        "suunnitellaan mittausten mukaan.",
        "Säiliöt tyhjennetään kiinteällä aikataululla: osa on puolityhjiä, osa tulvii yli "
        "viikonloppuisin.",
        "company", "environment_climate", ["matinkyla_olari", "espoonlahti"], [11, 12, 13],
        "Katu- ja viherpalvelut",
        "Etämittaus otetaan käyttöön kaikissa kaupungin syväkeräyspisteissä.",
        "Anturien kiinnitys ja talviolosuhteet vaativat suunnittelua; hyöty syntyy vasta "
        "reittisuunnittelun muutoksesta.",
        "Tyhjennyskäyntejä tarvittiin 28 % vähemmän.",
        "Kuljetuskustannukset ja päästöt pienenivät.",
        "Ylitäysiä säiliöitä ja roskaantumista oli vähemmän.",
    ),
    (
        "en", "Shared electric cars for city employees and residents",
        "City departments share electric cars on weekdays; on evenings and weekends the "
        "same cars are rented to residents through an app.",
        "The city's own cars stand unused most of the time while residents in new "
        "districts lack alternatives to owning a car.",
        "company", "mobility", ["leppavaara", "espoon_keskus"], [7, 11, 13],
        "Transport and mobility",
        "Shared electric cars replace part of the city's own car fleet.",
        "Booking rules must be simple; residents' use grew slowly and needed local "
        "marketing.",
        "The pilot cars were used 62 % of the time, the old pool cars 18 %.",
        "Fleet costs fell and emissions were cut.",
        "Residents got an affordable car when they needed one.",
    ),
    (
        "fi", "Nuorten e-urheilu nuorisotaloilla",
        "Nuorisotaloille perustetaan ohjattuja e-urheiluvuoroja, joissa pelaamiseen "
        "yhdistetään liikuntaa ja ryhmätaitoja.",
        "Osa nuorista ei käy nuorisotaloilla eikä harrasta mitään ohjattua, mutta pelaa "
        "paljon yksin kotona.",
        "community", "culture_sport", ["espoonlahti", "leppavaara"], [3, 4],
        "Nuorisopalvelut",
        "E-urheiluvuorot vakiinnutetaan nuorisotalojen toimintaan.",
        "Ohjaajan rooli ratkaisee: pelkkä pelaaminen ei tuo ryhmää yhteen.",
        "Vuoroille tuli 140 nuorta, joista puolet ei ollut käynyt nuorisotalolla aiemmin.",
        "Nuorisotyö tavoitti uusia nuoria.",
        "Nuoret saivat yhteisön ja säännöllisen harrastuksen.",
    ),
    (
        "en", "Smart street lighting on cycle routes",
        "Street lights on two main cycle routes dim when nobody is around and brighten "
        "when a cyclist or pedestrian approaches.",
        "Lighting cycle routes all night at full power costs energy, yet residents worry "
        "about safety if lights are simply switched off.",
        "company", "mobility", ["tapiola", "espoon_keskus"], [7, 11],
        "Street and park services",
        "Adaptive lighting will be installed when cycle route lighting is renewed.",
        "Residents must be told in advance; the brightening delay has to be short or "
        "the route feels unsafe.",
        "Energy use on the pilot routes fell by 55 %.",
        "Lower electricity costs and longer lamp life.",
        "Route users felt as safe as before.",
    ),
    (
        "fi", "Vertaisohjaus maahan muuttaneille yrittäjille",
        "Kokeneet maahan muuttaneet yrittäjät ohjaavat uusia yrittäjiä omalla kielellään "
        "digitaalisen alustan ja tapaamisten avulla.",
        "Maahan muuttaneet yrittäjät eivät löydä yrityspalveluita, eivätkä palvelut tavoita "
        "heitä suomeksi tai englanniksi.",
        "community", "business_employment", ["espoon_keskus", "espoonlahti"], [8, 10],
        "Elinkeino- ja yrityspalvelut",
        "Vertaisohjaus liitetään kaupungin yrityspalveluihin.",
        "Ohjaajien palkitseminen ja tunnustus pitävät toiminnan käynnissä.",
        "Pilotissa perustettiin 23 yritystä.",
        "Yrityspalvelut tavoittivat uusia asiakasryhmiä.",
        "Uudet yrittäjät saivat neuvoja omalla kielellään.",
    ),
    (
        "en", "Self-service check-in at the swimming hall",
        "Visitors check in with a mobile ticket or bank card at new gates, and the staff "
        "move from ticket sales to guidance in the pool area.",
        "Queues at the swimming hall cash desk are long at peak hours and the staff have "
        "little time to guide swimmers.",
        "resident", "culture_sport", ["leppavaara"], [3],
        "Sports and exercise services",
        "The pilot was discontinued: the gates did not work reliably with the existing "
        "ticket system.",
        "Integration with the old ticket system should have been tested before the pilot; "
        "a phased start would have revealed the problem earlier.",
        "Queues shortened only on days without system faults.",
        "The city learnt the requirements for the next ticket system.",
        "Mixed: quick entry on good days, confusion on bad ones.",
    ),
    (
        "fi", "Kotihoidon asiakkaiden etäkäynnit kuvapuhelulla",
        "Osa kotihoidon käynneistä, kuten lääkkeenoton muistutukset, tehdään kuvapuheluina "
        "helppokäyttöisellä laitteella.",
        "Kotihoidon työntekijöiden ajasta suuri osa kuluu siirtymiin, ja lyhyet "
        "tarkistuskäynnit sitovat resursseja.",
        "company", "health_social", ["city_wide"], [3, 10],
        "Kotihoito",
        "Etäkäynnit vakiinnutetaan kotihoidon palveluvalikoimaan.",
        "Asiakkaiden valinta etäkäynneille tehdään yhdessä asiakkaan ja omaisen kanssa.",
        "Siirtymiin kului 30 % vähemmän aikaa pilottitiimeissä.",
        "Henkilöstön aikaa vapautui hoitotyöhön.",
        "Käynnit toteutuivat täsmällisesti sovittuun aikaan.",
    ),
    (
        "en", "Open data interface for events and activities",
        "All events of the city and of associations are published through one open "
        "interface that anyone can use in their own services.",
        "Events are listed in many places, and residents and companies cannot find or "
        "reuse complete and up-to-date information.",
        "education", "administration_digital", ["city_wide"], [9, 17],
        "Communications and digital services",
        "The event interface is adopted and maintained as part of the city's open data.",
        "Associations publish only if it is easy: a simple form mattered more than the "
        "interface itself.",
        "Seven external services used the interface during the pilot.",
        "Duplicate publishing work decreased.",
        "Residents found events from one place.",
    ),
    (
        "fi", "Tekoälyavusteinen asiakasohjaus sosiaalipalveluissa",
        "Tekoäly ehdottaa sosiaalityöntekijälle palveluita asiakkaan tilanteen perusteella; "
        "päätökset tekee aina ihminen.",
        "Asiakkaat ohjautuvat palveluihin myöhään, ja oikean palvelun löytäminen vaatii "
        "useita yhteydenottoja.",
        "research", "health_social", ["espoon_keskus"], [1, 3, 10],
        "Sosiaali- ja terveyspalvelut",
        "Asiakasohjauksen tuki otetaan käyttöön aikuissosiaalityössä.",
        "Tietosuojan ja läpinäkyvyyden vaatimukset on ratkaistava ennen teknistä "
        "kehitystä; työntekijät luottivat malliin, kun sen perustelut näkyivät.",
        "Ehdotukset vastasivat työntekijän arviota 78 %:ssa tapauksista.",
        "Ohjaus nopeutui ja kirjaukset yhtenäistyivät.",
        "Asiakkaat saivat oikean palvelun aiemmin.",
    ),
    (
        "en", "Route guidance for visually impaired pedestrians",
        "Bluetooth beacons and a mobile app guide visually impaired pedestrians through a "
        "transport hub from the metro to bus platforms.",
        "Transport hubs change often during construction, and visually impaired travellers "
        "cannot rely on memorised routes.",
        "company", "mobility", ["matinkyla_olari"], [10, 11],
        "Transport and mobility",
        None, None,
        "Users reached the right platform in 9 of 10 test trips.",
        "Accessible guidance can follow construction changes quickly.",
        "Users travelled independently with more confidence.",
    ),
    (
        "fi", "Energiankulutuksen näkyväksi tekeminen päiväkodeissa",
        "Päiväkotien energian- ja vedenkulutus näytetään lapsille ja henkilökunnalle "
        "pelillisellä näkymällä, ja ryhmät kilpailevat säästöistä.",
        "Kaupungin kiinteistöjen energiankulutusta seurataan vain keskitetysti, eivätkä "
        "käyttäjät näe omien valintojensa vaikutusta.",
        "company", "environment_climate", ["espoonlahti", "tapiola"], [7, 12, 13],
        "Tilapalvelut",
        None, None,
        "Kulutus laski pilottipäiväkodeissa keskimäärin 11 %.",
        "Energiakustannukset pienenivät ilman investointeja.",
        "Lapset oppivat energiansäästöä leikin kautta.",
    ),
    (
        "en", "Neighbourhood tool library in a residents' park pavilion",
        "Residents borrow tools and garden equipment from a shared library run by "
        "volunteers in a park pavilion, booked online.",
        "Residents of new apartment blocks lack storage and rarely need drills or lawn "
        "tools, yet each household buys its own.",
        "resident", "environment_climate", ["espoonlahti"], [11, 12],
        "Residents' services",
        None, None, None, None, None,
    ),
)

# Statuses of the twenty, in the same order (SPEC: 20 carried out, exactly 1 discontinued).
# Index 13 (the swimming hall) was discontinued; the last three are still under way.

# Ideas from which the other proposals are composed:
# (service_area, sdgs, fi title, en title, fi summary, en summary, fi need, en need)
IDEAS = (
    ("education", [4], "Etäopetuksen tukipalvelu vanhemmille",
     "Remote learning help desk for parents",
     "Vanhemmat saavat etäopetuksen laitteisiin ja alustoihin tukea chatissa ja puhelimessa.",
     "Parents get help with remote learning devices and platforms by chat and phone.",
     "Vanhemmat eivät osaa auttaa lapsiaan oppimisalustojen ongelmissa.",
     "Parents cannot help their children with problems on learning platforms."),
    ("education", [4, 10], "Kielikylpy digitaalisilla tarinoilla",
     "Language immersion with digital stories",
     "Päiväkodeissa käytetään interaktiivisia tarinoita kielikylvyn tukena.",
     "Day-care centres use interactive stories to support language immersion.",
     "Kielikylpyryhmissä on vähän ikätasolle sopivaa materiaalia.",
     "Language immersion groups have little age-appropriate material."),
    ("education", [4], "Ohjelmointikerhot kirjastoissa", "Coding clubs in libraries",
     "Vapaaehtoiset ohjaavat koululaisille ohjelmointikerhoja kirjastoissa.",
     "Volunteers run coding clubs for pupils in libraries.",
     "Kaikilla lapsilla ei ole mahdollisuutta harrastaa ohjelmointia.",
     "Not every child has a chance to take up coding as a hobby."),
    ("education", [4, 9], "Virtuaalinen työelämään tutustuminen",
     "Virtual work experience for pupils",
     "Yläkoululaiset tutustuvat työpaikkoihin 360-videoilla ja etähaastatteluilla.",
     "Lower secondary pupils explore workplaces through 360° videos and remote interviews.",
     "TET-paikkoja ei riitä kaikille, ja moni ala jää nuorille vieraaksi.",
     "There are not enough work experience places and many fields stay unknown to pupils."),
    ("health_social", [3], "Omaishoitajien vertaistukisovellus",
     "Peer support app for family carers",
     "Omaishoitajat löytävät sovelluksesta vertaistukea ja lähialueen palveluita.",
     "Family carers find peer support and local services in one app.",
     "Omaishoitajat uupuvat eivätkä tiedä, mistä apua saa.",
     "Family carers burn out and do not know where to get help."),
    ("health_social", [3, 10], "Lääkemuistutukset älylääkeannostelijalla",
     "Smart medicine dispensers for home care",
     "Älykäs annostelija muistuttaa lääkkeistä ja ilmoittaa, jos annos jää ottamatta.",
     "A smart dispenser reminds clients of their medicine and alerts if a dose is missed.",
     "Lääkkeiden väärä käyttö aiheuttaa sairaalajaksoja ja lisäkäyntejä.",
     "Wrong use of medicine causes hospital stays and extra visits."),
    ("health_social", [3], "Etävastaanotto neuvolassa", "Remote appointments at the "
     "maternity clinic",
     "Osa neuvolakäynneistä korvataan videovastaanotoilla.",
     "Some maternity clinic visits are replaced by video appointments.",
     "Lapsiperheiden on vaikea sovittaa neuvolakäyntejä työpäiviin.",
     "Families with children find it hard to fit clinic visits into working days."),
    ("health_social", [3, 5], "Liikuntaneuvonnan digitaalinen valmentaja",
     "Digital coach for physical activity counselling",
     "Sovellus tukee liikuntaneuvonnan asiakkaita tapaamisten välillä.",
     "An app supports physical activity counselling clients between meetings.",
     "Elintapamuutokset hiipuvat, kun tukea on vain harvoin.",
     "Lifestyle changes fade when support comes only rarely."),
    ("mobility", [11, 13], "Kutsuliikenne harvaan asutuille alueille",
     "On-demand transport for sparsely populated areas",
     "Pienbussi ajaa tilausten mukaan joustavaa reittiä Pohjois-Espoossa.",
     "A minibus drives a flexible route in northern Espoo on demand.",
     "Harvaan asutuilla alueilla ei ole toimivaa joukkoliikennettä.",
     "Sparsely populated areas lack working public transport."),
    ("mobility", [3, 11], "Koulumatkojen turvallisuuskartoitus", "Safe routes to school "
     "survey",
     "Oppilaat merkitsevät sovellukseen vaaralliset kohdat koulumatkoillaan.",
     "Pupils mark dangerous spots on their way to school in an app.",
     "Koulumatkojen vaaranpaikat tulevat tietoon vasta onnettomuuksien jälkeen.",
     "Dangerous spots on school routes become known only after accidents."),
    ("mobility", [7, 11, 13], "Kaupunkipyörien talvikäyttö", "City bikes in winter",
     "Osa kaupunkipyöristä varustetaan nastarenkailla ja pidetään käytössä talvella.",
     "Some city bikes get studded tyres and stay in use over the winter.",
     "Kaupunkipyörät poistuvat käytöstä lokakuussa, vaikka moni pyöräilisi ympäri vuoden.",
     "City bikes are taken away in October though many would cycle all year."),
    ("mobility", [9, 11], "Pysäköinnin reaaliaikainen opastus",
     "Real-time parking guidance",
     "Anturit kertovat vapaat pysäköintipaikat liityntäpysäköintialueilla.",
     "Sensors show free spaces at park-and-ride areas.",
     "Autoilijat kiertävät täysiä liityntäpysäköintialueita turhaan.",
     "Drivers circle full park-and-ride areas in vain."),
    ("environment_climate", [12, 13], "Ruokahävikin vähentäminen kouluruokailussa",
     "Reducing food waste in school meals",
     "Koulujen biojäte punnitaan päivittäin ja tulokset näytetään oppilaille.",
     "School food waste is weighed daily and the results shown to pupils.",
     "Kouluruokailussa syntyy paljon hävikkiä, jota ei seurata.",
     "School meals produce a lot of waste that nobody measures."),
    ("environment_climate", [11, 15], "Hulevesien älykäs seuranta", "Smart storm water "
     "monitoring",
     "Anturit seuraavat hulevesien määrää ja laatua uusilla asuinalueilla.",
     "Sensors monitor the amount and quality of storm water in new residential areas.",
     "Rankkasateet aiheuttavat tulvia, joita ei osata ennakoida.",
     "Heavy rains cause floods that nobody can foresee."),
    ("environment_climate", [7, 13], "Aurinkosähkö koulujen katoille yhteisrahoituksella",
     "Community-funded solar panels on school roofs",
     "Asukkaat rahoittavat koulujen aurinkopaneeleita ja saavat tuoton takaisin.",
     "Residents fund solar panels on school roofs and get the returns back.",
     "Asukkaat haluavat tukea uusiutuvaa energiaa, mutta omaa kattoa ei ole.",
     "Residents want to support renewable energy but have no roof of their own."),
    ("environment_climate", [12], "Kierrätyskeskus verkossa", "Online reuse centre",
     "Kaupungin käytöstä poistuvat kalusteet tarjotaan verkossa asukkaille ja yhdistyksille.",
     "Furniture the city no longer uses is offered online to residents and associations.",
     "Käyttökelpoisia kalusteita päätyy jätteeksi.", "Usable furniture ends up as waste."),
    ("urban_planning_construction", [11], "Rakennustyömaiden tiedotus sovelluksessa",
     "Construction site updates in an app",
     "Asukkaat saavat ilmoitukset lähialueen työmaiden katkoista ja kiertoteistä.",
     "Residents get alerts about closures and detours at nearby construction sites.",
     "Työmaiden muutoksista kuullaan vasta paikan päällä.",
     "Residents hear about site changes only on the spot."),
    ("urban_planning_construction", [9, 11], "Kaupunkimalli asukasosallistumiseen",
     "3D city model for resident participation",
     "Kaavaluonnokset näytetään 3D-mallissa, jota asukkaat voivat kommentoida.",
     "Draft plans are shown in a 3D model that residents can comment on.",
     "Kaavakarttoja on vaikea ymmärtää ilman koulutusta.",
     "Plan maps are hard to read without training."),
    ("urban_planning_construction", [11, 13], "Puurakentamisen kosteudenhallinta",
     "Moisture control in wooden construction",
     "Puukerrostalotyömaalle asennetaan kosteusanturit koko rakentamisen ajaksi.",
     "Moisture sensors are installed on a wooden block of flats for the whole build.",
     "Kosteusvauriot havaitaan usein vasta valmiissa rakennuksessa.",
     "Moisture damage is often found only in the finished building."),
    ("urban_planning_construction", [11], "Tyhjien tilojen väliaikaiskäyttö",
     "Temporary use of empty premises",
     "Tyhjät kaupungin tilat tarjotaan yhdistyksille varausjärjestelmän kautta.",
     "Empty city premises are offered to associations through a booking system.",
     "Tyhjillään olevat tilat maksavat, vaikka yhdistykset etsivät tiloja.",
     "Empty premises cost money while associations look for space."),
    ("culture_sport", [3, 11], "Lähiliikuntapaikkojen käyttöaste", "Use of local sports "
     "grounds",
     "Kamerat ja anturit laskevat lähiliikuntapaikkojen käyttäjät anonyymisti.",
     "Cameras and sensors count users of local sports grounds anonymously.",
     "Liikuntapaikkojen investoinnit tehdään ilman tietoa käytöstä.",
     "Sports facility investments are made without data on their use."),
    ("culture_sport", [4, 10], "Museon digitaaliset opastukset", "Digital museum guides",
     "Museon kokoelmiin tutustutaan mobiiliopastuksilla kolmella kielellä.",
     "Visitors explore the museum collections with mobile guides in three languages.",
     "Opastettuja kierroksia on vähän, eikä niitä ole kaikilla kielillä.",
     "There are few guided tours and not in every language."),
    ("culture_sport", [3, 4], "Senioreiden tanssituokiot etänä", "Remote dance sessions for "
     "seniors",
     "Tanssinopettaja vetää tuokioita suoratoistona palvelutaloihin.",
     "A dance teacher streams sessions to service homes.",
     "Palvelutalojen asukkaat liikkuvat liian vähän.",
     "Residents of service homes move too little."),
    ("culture_sport", [4, 11], "Kulttuurikasvatuksen kalenteri", "Cultural education "
     "calendar",
     "Koulut varaavat kulttuurivierailut yhteisestä kalenterista.",
     "Schools book cultural visits from a shared calendar.",
     "Kulttuuripalvelut jakautuvat epätasaisesti koulujen kesken.",
     "Cultural services are unevenly shared between schools."),
    ("business_employment", [8], "Kesätyösetelin digitaalinen haku",
     "Digital summer job voucher",
     "Nuoret hakevat kesätyöseteliä verkossa ja työnantajat vahvistavat sen sähköisesti.",
     "Young people apply for the summer job voucher online and employers confirm it "
     "electronically.",
     "Paperisetelit katoavat ja käsittely on hidasta.",
     "Paper vouchers get lost and handling is slow."),
    ("business_employment", [8, 9], "Yritysten kokeilualusta kaupungin tiloissa",
     "Test bed for companies in city premises",
     "Yritykset testaavat tuotteitaan kaupungin tiloissa kevyellä sopimuksella.",
     "Companies test their products in city premises under a light agreement.",
     "Pienten yritysten on vaikea päästä testaamaan julkisella sektorilla.",
     "Small companies find it hard to test with the public sector."),
    ("business_employment", [8, 10], "Osaajien kotoutumispolku", "Integration path for "
     "international talent",
     "Kansainväliset osaajat ja heidän perheensä saavat palvelut yhdestä paikasta.",
     "International talent and their families get services in one place.",
     "Ulkomaiset osaajat lähtevät, koska perhe ei kotoudu.",
     "International talent leave because their families do not settle in."),
    ("business_employment", [8], "Työnhakijoiden taitokartoitus pelillä",
     "Game-based skills mapping for job seekers",
     "Peli tunnistaa työnhakijan taitoja, joita ansioluettelo ei näytä.",
     "A game identifies job seekers' skills that a CV does not show.",
     "Pitkäaikaistyöttömien osaaminen jää näkymättä.",
     "The skills of the long-term unemployed remain unseen."),
    ("administration_digital", [16], "Sähköinen allekirjoitus sopimuksiin",
     "Electronic signatures for contracts",
     "Kaupungin sopimukset allekirjoitetaan sähköisesti.",
     "The city's contracts are signed electronically.",
     "Paperisten sopimusten kierrättäminen kestää viikkoja.",
     "Circulating paper contracts takes weeks."),
    ("administration_digital", [9, 16], "Robotiikka laskujen käsittelyssä",
     "Software robots for invoice handling",
     "Ohjelmistorobotti tarkistaa ja kohdistaa ostolaskut.",
     "A software robot checks and assigns purchase invoices.",
     "Laskujen käsittely on toistuvaa käsityötä.",
     "Invoice handling is repetitive manual work."),
    ("administration_digital", [10, 16], "Selkokielinen asiointi verkossa",
     "Plain language online services",
     "Kaupungin tärkeimmät verkkolomakkeet kirjoitetaan selkokielelle.",
     "The city's most used online forms are rewritten in plain language.",
     "Moni asukas ei ymmärrä virallisia lomakkeita.",
     "Many residents do not understand official forms."),
    ("administration_digital", [16, 17], "Päätösten avoin rajapinta",
     "Open interface for decisions",
     "Luottamuselinten päätökset julkaistaan koneluettavina.",
     "Decisions of elected bodies are published in machine-readable form.",
     "Päätöksiä on vaikea seurata ja hyödyntää.",
     "Decisions are hard to follow and reuse."),
    ("other", [17], "Kumppanuuspöytä yhdistyksille", "Partnership desk for associations",
     "Yhdistykset saavat yhdestä paikasta neuvoja kaupungin kanssa toimimiseen.",
     "Associations get advice on working with the city from one desk.",
     "Yhdistykset eivät tiedä, kenen puoleen kaupungissa kääntyä.",
     "Associations do not know whom to turn to in the city."),
    ("other", [10, 16], "Asukasbudjetoinnin äänestyssovellus",
     "Voting app for participatory budgeting",
     "Asukkaat äänestävät lähialueensa hankkeista mobiilisovelluksella.",
     "Residents vote on projects for their area with a mobile app.",
     "Asukkaiden ideat eivät päädy päätöksentekoon.",
     "Residents' ideas do not reach decision-making."),
)

# Whom a proposal is aimed at: (Finnish allative, English noun phrase).
TARGET_GROUPS = (
    ("ikäihmisille", "older residents"),
    ("lapsiperheille", "families with children"),
    ("nuorille", "young people"),
    ("maahan muuttaneille", "newcomers to Finland"),
    ("yrittäjille", "entrepreneurs"),
    ("koululaisille", "pupils"),
)

CENTRE_NAMES = {
    "espoon_keskus": ("Espoon keskus", "Espoo Centre"),
    "espoonlahti": ("Espoonlahti", "Espoonlahti"),
    "leppavaara": ("Leppävaara", "Leppävaara"),
    "matinkyla_olari": ("Matinkylä–Olari", "Matinkylä–Olari"),
    "tapiola": ("Tapiola", "Tapiola"),
    "city_wide": ("koko Espoo", "city-wide"),
}

CALLS = (
    ("Haku 1: Digitaaliset palvelut asukkaille / Digital services for residents",
     (2015, 2, 2), (2015, 4, 30),
     "Ideas that make city services easier to use online and on mobile, in Finnish, "
     "Swedish and English."),
    ("Haku 2: Oppiminen ja hyvinvointi / Learning and well-being", (2016, 1, 11),
     (2016, 3, 31),
     "Experiments in schools, day care, health and social services: better learning, "
     "better everyday life."),
    ("Haku 3: Kestävä kaupunki ja liikkuminen / Sustainable city and mobility",
     (2017, 9, 4), (2017, 11, 30),
     "Cleaner energy, less waste, smoother travel: try your solution in the city."),
    ("Haku 4: Data ja tekoäly palveluissa / Data and AI for better services",
     (2019, 1, 14), (2019, 3, 31),
     "Use data, sensors and artificial intelligence responsibly to improve services."),
)

FIRST_NAMES = (
    "Aino", "Eero", "Helmi", "Juho", "Kaisa", "Lauri", "Minna", "Niko", "Outi", "Pekka",
    "Riikka", "Sami", "Tiina", "Ville", "Anna", "Mikko", "Leena", "Jari", "Sanna", "Timo",
    "Elina", "Antti", "Hanna", "Ismo", "Noora", "Olli", "Satu", "Tuomas", "Johanna", "Kalle",
)
LAST_NAMES = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen",
    "Niemi", "Kinnunen", "Turunen", "Salo", "Lindholm", "Andersson",
)

COMPANY_WORDS = (
    "Kide", "Revontuli", "Lumo", "Virta", "Kaari", "Tuuli", "Sisu", "Kuura", "Havu", "Louhi",
    "Ilma", "Sointu", "Routa", "Lähde", "Kipinä", "Saari", "Vaski", "Helmi", "Pilvi",
    "Kallio", "Honka", "Usva", "Vire", "Aura", "Halla", "Kajo", "Tähkä", "Lumme", "Pouta",
    "Vilja",
)
COMPANY_DOMAINS = (
    "Digital", "Data", "Robotics", "Health", "Mobility", "Solutions", "Labs", "Analytics",
    "Systems", "Energy", "Learning", "Games", "Sense", "Tech", "Care", "Media",
)
COMMUNITY_PLACES = (
    "Leppävaaran", "Tapiolan", "Matinkylän", "Olarin", "Espoonlahden", "Kivenlahden",
    "Soukan", "Espoon keskuksen", "Kalajärven", "Niipperin", "Kauklahden", "Otaniemen",
    "Suvelan", "Kilon", "Keran", "Laajalahden", "Westendin", "Haukilahden", "Saunalahden",
    "Viherlaakson",
)
COMMUNITY_KINDS = (
    "asukasyhdistys ry", "omakotiyhdistys ry", "nuorisoseura ry", "kyläyhdistys ry",
    "yrittäjät ry", "seniorit ry", "kaupunginosayhdistys ry", "liikuntaseura ry",
)
RESEARCH_ORGS = ("Aalto-yliopisto", "Teknologian tutkimuskeskus VTT", "Helsingin yliopisto",
                 "Hanken Svenska handelshögskolan")
EDUCATION_ORGS = ("Laurea-ammattikorkeakoulu", "Metropolia Ammattikorkeakoulu",
                  "Omnia", "Luksia")

QUESTIONS = (
    ("Missä kaupunginosassa kokeilu toteutettaisiin?", "Which district would host the "
     "pilot?"),
    ("Miten asiakkaiden tietosuoja varmistetaan?", "How is the customers' privacy "
     "protected?"),
    ("Mitä kokeilu maksaa kaupungille ja mitä kumppanit rahoittavat?",
     "What would the city pay and what do the partners fund?"),
    ("Miten kokeilun onnistumista mitataan?", "How will the pilot's success be measured?"),
)
ANSWERS = (
    ("Kokeilu aloitetaan yhdessä kaupunginosassa ja laajennetaan tulosten mukaan.",
     "We start in one district and extend according to the results."),
    ("Henkilötietoja ei kerätä; kaikki mittaukset ovat anonyymejä.",
     "No personal data is collected; all measurements are anonymous."),
    ("Kumppanit kattavat puolet kustannuksista omalla työllään.",
     "The partners cover half of the costs with their own work."),
    ("Mittaamme käyttäjämäärät ja asiakastyytyväisyyden ennen ja jälkeen.",
     "We measure user numbers and customer satisfaction before and after."),
)
REJECTIONS = (
    ("Ratkaisu on jo käytössä kaupungilla.", "The city already uses a similar solution."),
    ("Kokeilu ei kohdistu kaupungin palveluun.", "The experiment does not concern a city "
     "service."),
    ("Kustannukset ovat suuret hyötyihin nähden.", "The costs are high compared with the "
     "benefits."),
    ("Ehdotus sopii paremmin yrityspalveluiden rahoitukseen.",
     "The proposal fits business funding better."),
    ("Kokeilun toteuttaminen ei ole mahdollista haun aikataulussa.",
     "The experiment cannot be carried out within the call's schedule."),
    ("Tietosuojan riskit ovat liian suuret.", "The data protection risks are too high."),
)
WITHDRAWALS = (
    ("Yrityksemme resurssit eivät riitä kokeiluun nyt.",
     "Our company does not have the resources for the pilot now."),
    ("Toteutamme idean toisen kunnan kanssa.", "We will carry out the idea with another "
     "municipality."),
    ("", ""),
)
RISKS = (
    ("Käyttäjiä ei saada mukaan tarpeeksi", "Too few users take part",
     "Tiedotus asukasyhdistysten ja koulujen kautta", "Outreach through residents' "
     "associations and schools"),
    ("Tekninen integraatio viivästyy", "Technical integration is delayed",
     "Varasuunnitelma ilman integraatiota", "A fallback plan without integration"),
    ("Tietosuojariski", "Data protection risk",
     "Tietosuojan vaikutustenarviointi ennen aloitusta",
     "A data protection impact assessment before the start"),
    ("Kumppanin resurssit loppuvat", "The partner runs out of resources",
     "Vaiheistettu maksatus", "Payment in phases"),
)
EXPENSES = ("Kumppanin työ / partner's work", "Laitteet / equipment",
            "Lisenssit / licences", "Viestintä / communications", "Koulutus / training")
